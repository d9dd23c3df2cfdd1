/**
 * An in-process, single-node KRaft Kafka broker for development: started from Kafka's own
 * server classes while the environment is prepared, stopped after every other bean.
 */
package io.millrace.streams.app.broker;
