package dev.loci.spring.boot;

import dev.loci.ForgettingConfig;
import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.LociException;
import dev.loci.client.LociClient;
import dev.loci.embed.onnx.EmbeddingModel;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import java.nio.file.Files;

/** Opens the {@link Loci} the properties describe, or says which property is wrong. */
final class LociFactory {
    private LociFactory() {
    }

    static Loci open(LociProperties p) {
        boolean remote = p.getUrl() != null && !p.getUrl().isBlank();
        boolean embedded = p.getDataDir() != null;
        if (remote && embedded) {
            throw new LociConfigurationException("loci.url",
                    "is set together with loci.data-dir; set loci.url for a Loci server or loci.data-dir for an "
                            + "embedded engine, not both");
        }
        if (!remote && !embedded) {
            throw new LociConfigurationException("loci.data-dir",
                    "is not set, nor is loci.url: set loci.data-dir (e.g. ./memory) for an embedded engine, or "
                            + "loci.url (e.g. http://127.0.0.1:8080) for a Loci server");
        }
        return remote ? client(p) : embedded(p);
    }

    private static Loci client(LociProperties p) {
        var b = LociClient.builder();
        set("loci.url", () -> b.baseUrl(p.getUrl()));
        set("loci.api-key", () -> b.apiKey(p.getApiKey()));
        set("loci.tenant", () -> b.tenant(p.getTenant()));
        set("loci.request-timeout", () -> b.requestTimeout(p.getRequestTimeout()));
        set("loci.max-retries", () -> b.maxRetries(p.getMaxRetries()));
        return b.build();
    }

    private static Loci embedded(LociProperties p) {
        // the cheap checks first: naming the tokenizer loads it
        if (Files.exists(p.getDataDir()) && !Files.isDirectory(p.getDataDir())) {
            throw new LociConfigurationException("loci.data-dir", p.getDataDir() + " is a file, not a directory");
        }
        EmbeddingModel model = value("loci.model", () -> EmbeddingModel.parse(p.getModel()));
        ForgettingConfig limited = value("loci.max-memories-per-user", () -> LociConfig.defaults().forgetting()
                .toBuilder().maxMemoriesPerUser(p.getMaxMemoriesPerUser()).build());
        ForgettingConfig forgetting = value("loci.time-to-live",
                () -> limited.toBuilder().timeToLive(p.getTimeToLive()).build());
        EmbeddedOptions base = EmbeddedOptions.defaults().withModel(model)
                .withLoci(LociConfig.defaults().toBuilder().forgetting(forgetting).build());
        EmbeddedOptions options = value("loci.tokens", () -> base.withTokens(p.getTokens()));
        try {
            return EmbeddedLoci.open(p.getDataDir(), options);
        } catch (LociException e) {
            throw new LociConfigurationException("loci.data-dir", "cannot open " + p.getDataDir() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void set(String property, Runnable setter) {
        value(property, () -> {
            setter.run();
            return null;
        });
    }

    private static <T> T value(String property, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidInputException e) {
            throw new LociConfigurationException(property, problem(e), e);
        }
    }

    /** The exception's message without the name of the builder parameter it starts with. */
    static String problem(InvalidInputException e) {
        String prefix = e.field() + ": ";
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }
}
