/**
 * The {@code streams} actuator endpoint.
 */
package io.millrace.streams.actuate;
