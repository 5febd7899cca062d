package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.james.mailbox.model.SearchQuery;
import org.junit.jupiter.api.Test;

class HeaderNeedlesTest {

    @Test
    void onlyAndedContainsCriteriaOnPrintableAsciiGiveNeedles() {
        assertThat(HeaderNeedles.of(SearchQuery.of(SearchQuery.subject("needle")))).isPresent();
        assertThat(HeaderNeedles.of(SearchQuery.of(SearchQuery.and(SearchQuery.all(),
            SearchQuery.headerContains("X-Note", "a b"))))).isPresent();
        assertThat(HeaderNeedles.of(SearchQuery.of(SearchQuery.or(SearchQuery.subject("a"), SearchQuery.subject("b")))))
            .isEmpty();
        assertThat(HeaderNeedles.of(SearchQuery.of(SearchQuery.subject("caf\u00e9")))).isEmpty();
        assertThat(HeaderNeedles.of(SearchQuery.of(SearchQuery.subject("")))).isEmpty();
        assertThat(HeaderNeedles.of(SearchQuery.of(SearchQuery.bodyContains("needle")))).isEmpty();
    }

    @Test
    void screeningIgnoresCaseAndLineBreaksAndLetsUndecodableHeadersThrough() {
        HeaderNeedles needles = HeaderNeedles.of(SearchQuery.of(SearchQuery.subject("NeEdle"),
            SearchQuery.subject("two words"))).orElseThrow();

        assertThat(needles.mayMatch(bytes("Subject: a needle, two words\r\n\r\n"))).isTrue();
        assertThat(needles.mayMatch(bytes("Subject: nee\r\n dle two\r\n words\r\n\r\n"))).isFalse();
        assertThat(needles.mayMatch(bytes("Subject: NEEDLE two\r\n words\r\n\r\n"))).isTrue();
        assertThat(needles.mayMatch(bytes("Subject: needle only\r\n\r\n"))).isFalse();
        assertThat(needles.mayMatch(bytes("Subject: =?UTF-8?B?bmVlZGxl?=\r\n\r\n"))).isTrue();
        assertThat(needles.mayMatch("Subject: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(needles.mayMatch(bytes(""))).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
