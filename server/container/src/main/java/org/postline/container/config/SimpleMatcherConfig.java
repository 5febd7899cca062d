package org.postline.container.config;

import org.apache.mailet.MailetContext;
import org.apache.mailet.MatcherConfig;

/** A matcher's name, condition (the text after the first '=' of match=, or null) and context. */
record SimpleMatcherConfig(String name, String condition, MailetContext context) implements MatcherConfig {

    @Override
    public String getCondition() {
        return condition;
    }

    @Override
    public MailetContext getMailetContext() {
        return context;
    }

    @Override
    public String getMatcherName() {
        return name;
    }
}
