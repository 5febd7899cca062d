package org.postline.container.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetContext;
import org.apache.mailet.Matcher;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.MatcherInverter;
import org.postline.api.config.ConfigException;
import org.postline.api.queue.MailRepositories;
import org.postline.container.config.ContainerConfig.MailetConfigEntry;
import org.postline.container.config.ContainerConfig.MatcherConfigEntry;
import org.postline.container.config.ContainerConfig.ProcessorConfig;
import org.postline.container.matchers.CompositeMatcher;
import org.postline.container.matchers.MatchAll;
import org.postline.container.processing.MailetFailurePolicy;
import org.postline.container.processing.MatchFailurePolicy;
import org.postline.container.processing.MatcherMailetPair;
import org.postline.container.processing.Pipeline;
import org.postline.container.processing.Processor;

/**
 * Turns a checked {@link ContainerConfig} into a running {@link Pipeline}: finds each class, creates it
 * through {@code create} (the Guice injector, so mailets can {@code @Inject} server services), initialises
 * it, and checks that every processor a mailet or policy sends mail to exists. On any failure, what was
 * already initialised is destroyed and a {@link ConfigException} names file, line and setting.
 */
public final class PipelineFactory {

    private final ContainerConfig config;
    private final MailetContext context;
    private final ClassResolver resolver;
    private final Function<Class<?>, Object> create;
    private final List<Object> created = new ArrayList<>();

    public PipelineFactory(ContainerConfig config, MailetContext context, ClassResolver resolver,
                           Function<Class<?>, Object> create) {
        this.config = config;
        this.context = context;
        this.resolver = resolver;
        this.create = create;
    }

    /** A built pair and the configuration it came from, for the reference checks. */
    private record Built(MatcherMailetPair pair, MailetConfigEntry entry) {
    }

    public Pipeline build(MailRepositories repositories) throws ConfigException {
        try {
            Map<String, Processor> processors = new LinkedHashMap<>();
            List<Built> all = new ArrayList<>();
            for (ProcessorConfig pc : config.processors()) {
                Map<String, Matcher> named = new LinkedHashMap<>();
                String setting = "processor[" + pc.state() + "]";
                for (MatcherConfigEntry entry : pc.namedMatchers()) {
                    named.put(entry.name().orElseThrow(),
                            matcher(entry, named, setting + "/matcher[" + entry.name().get() + "]"));
                }
                List<MatcherMailetPair> pairs = new ArrayList<>();
                for (MailetConfigEntry entry : pc.mailets()) {
                    Built built = pair(entry, named);
                    pairs.add(built.pair());
                    all.add(built);
                }
                processors.put(pc.state(), new Processor(pc.state(), pairs));
            }
            checkTargets(processors.keySet(), all);
            return new Pipeline(processors, repositories, config.errorRepository(), List.copyOf(created));
        } catch (ConfigException | RuntimeException e) {
            Pipeline.destroyAll(created);
            throw e;
        }
    }

    private Built pair(MailetConfigEntry entry, Map<String, Matcher> named) throws ConfigException {
        Matcher matcher;
        if (entry.match().isEmpty()) {
            MatchAll all = new MatchAll();
            initMatcher(all, "All", null, entry.line(), entry.setting());
            matcher = all;
        } else {
            matcher = matcher(new MatcherConfigEntry(Optional.empty(), entry.match().get(), entry.inverted(),
                    entry.line(), List.of()), named, entry.setting());
        }
        Mailet mailet = instantiate(entry.className(), ClassResolver.Kind.MAILET, Mailet.class, entry.line(),
                entry.setting());
        try {
            mailet.init(new SimpleMailetConfig(entry.className(), entry.parameters(), context));
        } catch (Exception | LinkageError e) {
            throw new ConfigException(config.file(), entry.line(), entry.setting(),
                    "the mailet rejected its configuration: " + message(e), e);
        }
        Map<String, String> params = entry.parameters();
        MailetFailurePolicy onMailet = Optional.ofNullable(params.get(ContainerConfigReader.ON_MAILET_EXCEPTION))
                .map(MailetFailurePolicy::parse).orElse(MailetFailurePolicy.DEFAULT);
        MatchFailurePolicy onMatch = Optional.ofNullable(params.get(ContainerConfigReader.ON_MATCH_EXCEPTION))
                .map(MatchFailurePolicy::parse).orElse(MatchFailurePolicy.DEFAULT);
        String where = entry.setting() + " (" + config.file().getFileName() + ":" + entry.line() + ")";
        return new Built(new MatcherMailetPair(matcher, mailet, onMatch, onMailet, where), entry);
    }

    private Matcher matcher(MatcherConfigEntry entry, Map<String, Matcher> named, String setting)
            throws ConfigException {
        String text = entry.match();
        int eq = text.indexOf('=');
        String name = (eq < 0 ? text : text.substring(0, eq)).trim();
        String condition = eq < 0 ? null : text.substring(eq + 1);
        Matcher matcher;
        if (named.containsKey(name)) {
            if (condition != null) {
                throw new ConfigException(config.file(), entry.line(), setting, "'" + name
                        + "' is a matcher declared in this processor; it takes no condition (\"=" + condition + "\")");
            }
            if (!entry.children().isEmpty()) {
                throw new ConfigException(config.file(), entry.line(), setting, "'" + name
                        + "' is already declared; nested <matcher> elements belong to its declaration");
            }
            matcher = named.get(name);
        } else {
            matcher = instantiate(name, ClassResolver.Kind.MATCHER, Matcher.class, entry.line(), setting);
            initMatcher(matcher, name, condition, entry.line(), setting);
            if (matcher instanceof CompositeMatcher composite) {
                if (entry.children().isEmpty()) {
                    throw new ConfigException(config.file(), entry.line(), setting, "composite matcher " + name
                            + " needs nested <matcher match=\"...\"/> elements");
                }
                for (MatcherConfigEntry child : entry.children()) {
                    composite.add(matcher(child, named, setting + "/matcher"));
                }
            } else if (!entry.children().isEmpty()) {
                throw new ConfigException(config.file(), entry.children().get(0).line(), setting, name
                        + " is not a composite matcher (And, Or, Not, Xor); it cannot hold nested <matcher> elements");
            }
        }
        return entry.inverted() ? new MatcherInverter(matcher) : matcher;
    }

    private void initMatcher(Matcher matcher, String name, String condition, int line, String setting)
            throws ConfigException {
        try {
            matcher.init(new SimpleMatcherConfig(name, condition, context));
        } catch (Exception | LinkageError e) {
            throw new ConfigException(config.file(), line, setting, "matcher " + name
                    + " rejected its condition " + (condition == null ? "(none)" : "\"" + condition + "\"") + ": "
                    + message(e), e);
        }
    }

    private <T> T instantiate(String name, ClassResolver.Kind kind, Class<T> type, int line, String setting)
            throws ConfigException {
        ClassResolver.Resolution resolution = resolver.resolve(name, kind);
        if (resolution.brokenClass().isPresent()) {
            throw new ConfigException(config.file(), line, setting, "the " + kind.word() + " class "
                    + resolution.tried().get(resolution.tried().size() - 1) + " cannot be loaded: "
                    + message(resolution.brokenClass().get()), resolution.brokenClass().get());
        }
        Class<?> found = resolution.found().orElseThrow(() -> new ConfigException(config.file(), line, setting,
                "unknown " + kind.word() + " '" + name + "': looked for " + String.join(", ", resolution.tried())
                        + " on the classpath and in extensions/"));
        if (!type.isAssignableFrom(found)) {
            throw new ConfigException(config.file(), line, setting, found.getName() + " is not a " + kind.word()
                    + " (it does not implement " + type.getName() + ")");
        }
        try {
            T instance = type.cast(create.apply(found));
            created.add(instance);
            return instance;
        } catch (RuntimeException | LinkageError e) {
            throw new ConfigException(config.file(), line, setting, "cannot create " + found.getName() + ": "
                    + message(e), e);
        }
    }

    private void checkTargets(Set<String> states, List<Built> all) throws ConfigException {
        String known = String.join(", ", new TreeSet<>(states));
        for (Built built : all) {
            MailetConfigEntry entry = built.entry();
            Collection<ProcessingState> required;
            try {
                required = built.pair().mailet().requiredProcessingState();
            } catch (RuntimeException e) {
                throw new ConfigException(config.file(), entry.line(), entry.setting(),
                        "cannot tell which processors the mailet needs: " + message(e), e);
            }
            for (ProcessingState state : required) {
                if (!states.contains(state.getValue()) && !Mail.GHOST.equals(state.getValue())) {
                    throw new ConfigException(config.file(), entry.line(), entry.setting(), "sends mail to processor '"
                            + state.getValue() + "', which is not defined (processors: " + known + ")");
                }
            }
            Optional<String> onMailet = built.pair().onMailetException().processor();
            if (onMailet.isPresent() && !states.contains(onMailet.get())) {
                throw new ConfigException(config.file(), entry.line(),
                        entry.setting() + "/" + ContainerConfigReader.ON_MAILET_EXCEPTION, "no processor named '"
                        + onMailet.get() + "' (takes ignore, propagate or one of: " + known + ")");
            }
            Optional<String> onMatch = built.pair().onMatchException().processor();
            if (onMatch.isPresent() && !states.contains(onMatch.get())) {
                throw new ConfigException(config.file(), entry.line(),
                        entry.setting() + "/" + ContainerConfigReader.ON_MATCH_EXCEPTION, "no processor named '"
                        + onMatch.get() + "' (takes nomatch, matchall, propagate or one of: " + known + ")");
            }
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : m;
    }
}
