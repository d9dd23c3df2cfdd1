/**
 * Sample traffic for the sample streams: animals and sentences, some of them invalid on
 * purpose.
 */
package io.millrace.streams.app.generator;
