/**
 * The Millrace streams service: a runnable Spring Boot application of the starter, the sample
 * streams and actuator.
 */
package io.millrace.streams.app;
