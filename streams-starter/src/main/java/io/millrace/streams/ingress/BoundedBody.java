package io.millrace.streams.ingress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body up to a limit and no further: a body that announces no length (chunked) is read until it
 * ends or passes the limit, whichever comes first, so a client cannot make the server hold more than the limit.
 */
final class BoundedBody {

    private static final int CHUNK = 8192;

    private BoundedBody() {
    }

    /**
     * Reads the whole body if it is at most {@code limit} bytes long.
     * @param in the body
     * @param limit the most bytes accepted
     * @return the body, or {@code null} if it is longer than the limit; then at most {@code limit + 1} bytes were
     * read from the stream
     * @throws IOException if the body cannot be read
     */
    static byte[] read(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(limit, CHUNK));
        byte[] chunk = new byte[CHUNK];
        long room = (long) limit + 1;
        int read;
        while (room > 0 && (read = in.read(chunk, 0, (int) Math.min(chunk.length, room))) != -1) {
            body.write(chunk, 0, read);
            room -= read;
        }
        return (room > 0) ? body.toByteArray() : null;
    }
}
