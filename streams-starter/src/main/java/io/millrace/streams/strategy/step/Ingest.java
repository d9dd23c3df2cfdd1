package io.millrace.streams.strategy.step;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.strategy.InvalidMessage;
import io.millrace.streams.strategy.Message;
import io.millrace.streams.strategy.ProcessingStrategy;
import io.millrace.streams.strategy.RetryPolicy;
import io.millrace.streams.strategy.Task;
import io.millrace.streams.strategy.worker.WorkerContext;
import io.millrace.streams.table.LateRecordException;

/**
 * Runs the stream's input processor on each decoded message, with retries; a {@code null} result filters the
 * message, a failure after the retries dead-letters it.
 *
 * @param <I> the input type
 * @param <O> the type handed to the outputs
 */
public final class Ingest<I, O> extends ForwardingStep<I, O> {

    private final InputProcessor<I, O> processor;

    private final WorkerContext context;

    private final RetryPolicy retry;

    /**
     * Creates the step.
     * @param processor the input processor
     * @param context the worker's context, already initialised with {@link InputProcessor#init}
     * @param retry how processor failures are retried
     * @param next the next step
     */
    public Ingest(InputProcessor<I, O> processor, WorkerContext context, RetryPolicy retry,
            ProcessingStrategy<O> next) {
        super(next);
        this.processor = processor;
        this.context = context;
        this.retry = retry;
    }

    @Override
    Message<O> process(Message<I> message) {
        return run(this.processor, this.retry, message, this.context);
    }

    /**
     * The input processor as a task for {@link RunTaskInThreads}.
     * @param processor the input processor
     * @param retry how processor failures are retried
     * @param <I> the input type
     * @param <O> the type handed to the outputs
     * @return the task
     */
    public static <I, O> Task<I, O> task(InputProcessor<I, O> processor, RetryPolicy retry) {
        return (message, context) -> run(processor, retry, message, context);
    }

    private static <I, O> Message<O> run(InputProcessor<I, O> processor, RetryPolicy retry, Message<I> message,
            WorkerContext context) {
        if (!message.hasPayload()) {
            return message.withoutPayload();
        }
        context.setRecord(message.origin());
        try {
            if (context.windowed()) {
                context.setEventTime(message.origin(), processor.eventTime(message.payload(), context));
            }
            O result = retry.call(() -> {
                // A retried attempt starts from scratch: drop the table writes of a failed attempt.
                context.writes().rollback(0);
                return processor.ingest(message.payload(), context);
            });
            return (result != null) ? message.withPayload(result) : message.filtered();
        }
        catch (LateRecordException ex) {
            context.writes().discard();
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.LATE, ex));
        }
        catch (RuntimeException ex) {
            context.writes().discard();
            return message.invalid(new InvalidMessage(InvalidMessage.Reason.PROCESSOR_FAILED, ex));
        }
        finally {
            context.setRecord(null);
        }
    }
}
