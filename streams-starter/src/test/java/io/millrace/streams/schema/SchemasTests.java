package io.millrace.streams.schema;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Schemas}.
 */
class SchemasTests {

    @Test
    void bytesPassesAValueThroughUnchanged() {
        byte[] data = { 0, (byte) 0xFF, 42 };
        assertThat(Schemas.bytes().decode(data)).isSameAs(data);
        assertThat(Schemas.bytes().encode(data)).isSameAs(data);
    }

    @Test
    void bytesAcceptsAnEmptyValue() {
        assertThat(Schemas.bytes().decode(new byte[0])).isEmpty();
    }

    @Test
    void bytesRejectsANullValueAsATombstone() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.bytes().decode(null))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("value is null (a tombstone)"));
    }

    @Test
    void bytesEncodeRejectsNull() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.bytes().encode(null));
    }

    @Test
    void bytesTypeIsByteArray() {
        assertThat(Schemas.bytes().type()).isEqualTo(byte[].class);
    }

    @Test
    void stringDecodesAndEncodesUtf8() {
        String text = "Grüße, 世界 \uD83D\uDE00";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(Schemas.string().decode(utf8)).isEqualTo(text);
        assertThat(Schemas.string().encode(text)).isEqualTo(utf8);
    }

    @Test
    void stringAcceptsAnEmptyValue() {
        assertThat(Schemas.string().decode(new byte[0])).isEmpty();
    }

    @Test
    void stringRejectsANullValueAsATombstone() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().decode(null))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("value is null (a tombstone)"));
    }

    @Test
    void stringRejectsMalformedUtf8() {
        // An invalid continuation byte, a byte that never occurs in UTF-8, and an overlong encoding of '/'.
        for (byte[] malformed : new byte[][] { { 'a', (byte) 0xC3, 0x28 }, { (byte) 0xFF }, { (byte) 0xC0, (byte) 0xAF } }) {
            assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().decode(malformed))
                .satisfies((ex) -> assertThat(ex.violations()).singleElement()
                    .asString()
                    .startsWith("value is not valid UTF-8"));
        }
    }

    @Test
    void stringRejectsATruncatedMultiByteCharacter() {
        byte[] truncated = { 'a', (byte) 0xE4, (byte) 0xB8 };
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().decode(truncated));
    }

    @Test
    void stringEncodeRejectsALoneSurrogateInsteadOfWritingAQuestionMark() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().encode("a\uD800b"))
            .satisfies((ex) -> assertThat(ex.violations()).singleElement()
                .asString()
                .startsWith("value is not valid Unicode"));
    }

    @Test
    void stringEncodeRejectsNull() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().encode(null));
    }

    @Test
    void stringTypeIsString() {
        assertThat(Schemas.string().type()).isEqualTo(String.class);
    }

    @Test
    void stringDecodesAsciiAndEncodesTextWithoutSurrogatesLikeTheStrictCoders() {
        assertThat(Schemas.string().decode("key-0000001".getBytes(StandardCharsets.US_ASCII))).isEqualTo("key-0000001");
        assertThat(Schemas.string().decode(new byte[0])).isEmpty();
        assertThat(Schemas.string().encode("Grüße")).isEqualTo("Grüße".getBytes(StandardCharsets.UTF_8));
        assertThat(Schemas.string().encode("")).isEmpty();
    }

    @Test
    void longsWritesAndReadsTheBytesOfAJsonNumber() throws Exception {
        JsonMapper mapper = JsonMapper.builder().build();
        for (long value : new long[] { 0, 1, -1, 42, 1_000_000_007L, Long.MAX_VALUE, Long.MIN_VALUE }) {
            byte[] encoded = Schemas.longs().encode(value);
            assertThat(encoded).isEqualTo(mapper.writeValueAsBytes(value));
            assertThat(Schemas.longs().decode(encoded)).isEqualTo(value);
            assertThat(Schemas.longs().decode(mapper.writeValueAsBytes(value))).isEqualTo(value);
        }
        assertThat(Schemas.longs().decode(" 17\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(17L);
        assertThat(Schemas.longs().type()).isEqualTo(Long.class);
    }

    @Test
    void longsRejectsWhatIsNotAJsonIntegerInRange() {
        for (String invalid : new String[] { "", " ", "-", "+1", "01", "1.0", "1e3", "12a", "\"12\"", "null",
                "9223372036854775808", "-9223372036854775809", "99999999999999999999" }) {
            assertThatExceptionOfType(SchemaException.class)
                .as(invalid)
                .isThrownBy(() -> Schemas.longs().decode(invalid.getBytes(StandardCharsets.UTF_8)))
                .satisfies((ex) -> assertThat(ex.violations()).singleElement()
                    .asString()
                    .startsWith("value is not a JSON integer in the range of a long"));
        }
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.longs().decode(null));
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.longs().encode(null));
    }
}
