/**
 * The HTTP source of records: {@code POST /streams/{name}/records} checks a body against a stream's input schema
 * and produces it to the stream's input topic.
 */
package io.millrace.streams.ingress;
