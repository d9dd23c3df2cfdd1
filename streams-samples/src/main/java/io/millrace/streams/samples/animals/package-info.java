/**
 * The {@code animals} stream: animals routed to {@code aquatic}, {@code spooky} and {@code flying}.
 */
package io.millrace.streams.samples.animals;
