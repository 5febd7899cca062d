package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.DsnRequest.RecipientDsn;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;

class EnvelopeCodecTest {

    /** Every field set, with the characters the line format must escape. */
    static Envelope full() {
        return new Envelope("Mail 1%\r\n-x", Optional.empty(),
                List.of("b@example.org", "a@example.org", "Quoted \"x y\"@example.org"), "local-delivery",
                Optional.of("processor failed:\nline two\ttab %41"),
                Map.of("org.apache.james.a", "{\"type\":\"String\",\"value\":\"x y\\nz\"}",
                        "empty", "", "unicode ünï", "日本語 = %20"),
                new SessionFacts("2001:db8::1", "client.example.net", "helo with spaces", Optional.of("alice@example.org"),
                        true, "submission"),
                new DsnRequest(Optional.of("HDRS"), Optional.of("env id=1"), Map.of(
                        "a@example.org", new RecipientDsn(Set.of("SUCCESS", "FAILURE", "DELAY"), Optional.of("rfc822;A@example.org")),
                        "b@example.org", new RecipientDsn(Set.of("NEVER"), Optional.empty()),
                        "c@example.org", new RecipientDsn(Set.of(), Optional.of("")))));
    }

    @Test
    void roundTripsEveryField() {
        Envelope envelope = full();
        String text = EnvelopeCodec.encode(envelope);
        assertThat(EnvelopeCodec.decode(text)).isEqualTo(envelope);
        assertThat(text.lines()).allSatisfy(line -> assertThat(line).doesNotContain("\r"));
    }

    @Test
    void roundTripsTheSparseCase() {
        Envelope envelope = new Envelope("", Optional.of(""), List.of(), "root", Optional.of(""), Map.of(),
                new SessionFacts("", "", "", Optional.empty(), false, ""), DsnRequest.none());
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(envelope))).isEqualTo(envelope);
        Envelope internal = new Envelope("n", Optional.of("s@example.org"), List.of("r@example.org"), "root",
                Optional.empty(), Map.of(), SessionFacts.internal(), DsnRequest.none());
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(internal))).isEqualTo(internal);
    }

    @Test
    void encodesEqualEnvelopesEqually() {
        assertThat(EnvelopeCodec.encode(full())).isEqualTo(EnvelopeCodec.encode(full()));
    }

    @Test
    void rejectsWhatItDidNotWrite() {
        assertThatThrownBy(() -> EnvelopeCodec.decode("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("postline-envelope 1\nname =x\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("postline-envelope 1\nname x\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("postline-envelope 1\nname =%4\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
