package io.millrace.streams.ingress;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BoundedBody}.
 */
class BoundedBodyTests {

    @Test
    void aBodyUpToTheLimitIsReadWhole() throws IOException {
        byte[] body = new byte[20_000];
        body[19_999] = 7;
        assertThat(BoundedBody.read(new ByteArrayInputStream(body), 20_000)).isEqualTo(body);
        assertThat(BoundedBody.read(new ByteArrayInputStream(new byte[0]), 20_000)).isEmpty();
        assertThat(BoundedBody.read(new ByteArrayInputStream(new byte[0]), 0)).isEmpty();
    }

    @Test
    void aBodyOneByteOverTheLimitIsRefused() throws IOException {
        assertThat(BoundedBody.read(new ByteArrayInputStream(new byte[20_001]), 20_000)).isNull();
        assertThat(BoundedBody.read(new ByteArrayInputStream(new byte[1]), 0)).isNull();
    }

    @Test
    void anEndlessBodyIsReadOnlyOneBytePastTheLimit() throws IOException {
        Endless endless = new Endless();
        assertThat(BoundedBody.read(endless, 100_000)).isNull();
        assertThat(endless.read).isEqualTo(100_001);
    }

    /** A chunked body that never ends, counting what was taken from it. */
    private static final class Endless extends InputStream {

        private long read;

        @Override
        public int read() {
            this.read++;
            return 'x';
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            this.read += length;
            return length;
        }
    }
}
