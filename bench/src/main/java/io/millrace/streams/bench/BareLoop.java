package io.millrace.streams.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.millrace.streams.samples.animals.Animal;
import io.millrace.streams.strategy.DeadLetters;
import io.millrace.streams.strategy.InvalidMessage;

/**
 * The work of the {@code animals} stream as a careful engineer writes it by hand with kafka-clients alone: poll,
 * decode, ingest, route and encode each record, send its outputs asynchronously, and every second flush the
 * producer and then commit what was polled. No per-batch flush, no bookkeeping of in-flight records: the practical
 * limit of the work on this broker.
 *
 * <p>With one thread it subscribes like any consumer; with several (the slow-handler baseline) each thread owns
 * one partition outright, the most a partition-bound design can run in parallel.
 */
final class BareLoop implements Contender {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final String name;

    private final String input;

    private final int threads;

    private final AnimalWork work;

    private final ClientSettings clients;

    private final Map<String, String> topics;

    /**
     * Creates the contender.
     * @param name its name
     * @param input the input topic
     * @param partitions the input's partition count
     * @param threads 1 to subscribe, or the partition count for a thread per partition
     * @param work the per-record work
     * @param clients the shared client settings
     * @param topicPrefix prefix of its output topics
     */
    BareLoop(String name, String input, int partitions, int threads, AnimalWork work, ClientSettings clients,
            String topicPrefix) {
        if (threads != 1 && threads != partitions) {
            throw new IllegalArgumentException("one thread, or one per partition");
        }
        this.name = name;
        this.input = input;
        this.threads = threads;
        this.work = work;
        this.clients = clients;
        this.topics = Contender.prefixedTopics(topicPrefix);
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public String description() {
        return (this.threads == 1) ? "bare kafka-clients loop (1 consumer, async sends, flush + commit every 1 s)"
                : "partition-bound loop (" + this.threads + " threads, one partition each, sequential)";
    }

    @Override
    public Map<String, String> topics() {
        return this.topics;
    }

    @Override
    public AutoCloseable start(String runId) {
        Producer<byte[], byte[]> producer = new KafkaProducer<>(this.clients.producer(runId + "-producer"));
        DeadLetters deadLetters = new DeadLetters(this.topics.get(AnimalWork.DEAD_LETTERS), this.name, runId);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < this.threads; i++) {
            List<TopicPartition> assigned = (this.threads == 1) ? null
                    : List.of(new TopicPartition(this.input, i));
            Worker worker = new Worker(new KafkaConsumer<>(this.clients.consumer(runId, runId + "-consumer-" + i)),
                    assigned, producer, deadLetters);
            Thread thread = new Thread(worker, runId + "-" + i);
            workers.add(worker);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        return () -> {
            workers.forEach(Worker::stop);
            for (Thread thread : threads) {
                thread.join();
            }
            producer.close(Duration.ofSeconds(30));
            for (Worker worker : workers) {
                if (worker.failure.get() != null) {
                    throw new IllegalStateException(this.name + " failed", worker.failure.get());
                }
            }
        };
    }

    /** One consumer and its loop, sharing the producer. */
    private final class Worker implements Runnable {

        private final Consumer<byte[], byte[]> consumer;

        private final List<TopicPartition> assigned;

        private final Producer<byte[], byte[]> producer;

        private final DeadLetters deadLetters;

        private final AtomicReference<Exception> failure = new AtomicReference<>();

        /** Any failed send, surfaced on the loop's thread. */
        private final Callback callback = (metadata, ex) -> {
            if (ex != null) {
                this.failure.compareAndSet(null, ex);
            }
        };

        private volatile boolean running = true;

        Worker(Consumer<byte[], byte[]> consumer, List<TopicPartition> assigned, Producer<byte[], byte[]> producer,
                DeadLetters deadLetters) {
            this.consumer = consumer;
            this.assigned = assigned;
            this.producer = producer;
            this.deadLetters = deadLetters;
        }

        @Override
        public void run() {
            try (this.consumer) {
                if (this.assigned != null) {
                    this.consumer.assign(this.assigned);
                }
                else {
                    this.consumer.subscribe(List.of(BareLoop.this.input));
                }
                long lastCommit = System.nanoTime();
                while (this.running && this.failure.get() == null) {
                    ConsumerRecords<byte[], byte[]> records = this.consumer.poll(POLL_TIMEOUT);
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        process(record);
                    }
                    if (System.nanoTime() - lastCommit >= ClientSettings.COMMIT_INTERVAL_MS * 1_000_000L) {
                        // Only what the broker has acknowledged may be committed: flush first.
                        this.producer.flush();
                        this.consumer.commitAsync();
                        lastCommit = System.nanoTime();
                    }
                }
                this.producer.flush();
                this.consumer.commitSync();
            }
            catch (Exception ex) {
                this.failure.compareAndSet(null, ex);
            }
        }

        private void process(ConsumerRecord<byte[], byte[]> record) {
            Animal animal;
            try {
                animal = BareLoop.this.work.ingest(record.value());
            }
            catch (RuntimeException ex) {
                InvalidMessage invalid = new InvalidMessage(InvalidMessage.Reason.INVALID_INPUT, ex);
                this.producer.send(this.deadLetters.record(record, invalid), this.callback);
                return;
            }
            for (AnimalWork.Output output : BareLoop.this.work.outputs()) {
                byte[] value = output.encode(animal, BareLoop.this.work.summary());
                if (value != null) {
                    this.producer.send(new ProducerRecord<>(BareLoop.this.topics.get(output.name()), null, null,
                            record.key(), value, record.headers()), this.callback);
                }
            }
        }

        void stop() {
            this.running = false;
        }
    }
}
