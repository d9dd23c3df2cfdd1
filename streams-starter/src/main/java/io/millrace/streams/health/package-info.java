/**
 * The {@code streams} health component.
 */
package io.millrace.streams.health;
