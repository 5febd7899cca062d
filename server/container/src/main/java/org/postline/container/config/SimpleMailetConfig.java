package org.postline.container.config;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;

/** A mailet's name, init parameters and context. */
final class SimpleMailetConfig implements MailetConfig {

    private final String name;
    private final Map<String, String> parameters;
    private final MailetContext context;

    SimpleMailetConfig(String name, Map<String, String> parameters, MailetContext context) {
        this.name = name;
        this.parameters = new LinkedHashMap<>(parameters);
        this.context = context;
    }

    @Override
    public String getInitParameter(String key) {
        return parameters.get(key);
    }

    @Override
    public Iterator<String> getInitParameterNames() {
        return List.copyOf(parameters.keySet()).iterator();
    }

    @Override
    public MailetContext getMailetContext() {
        return context;
    }

    @Override
    public String getMailetName() {
        return name;
    }
}
