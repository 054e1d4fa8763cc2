package dev.loci.spring.boot;

import dev.loci.testkit.TestEngines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.LociException;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import dev.loci.engine.LociEngine;
import dev.loci.springai.LociChatMemoryRepository;
import dev.loci.springai.LociDocumentRetriever;
import dev.loci.springai.LociMemoryAdvisor;
import dev.loci.springai.LociTools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration on an embedded engine, its conditions, and the failures bad properties give. */
class LociAutoConfigurationTest {
    /** A client is made without contacting its server: the quick Loci bean for tests about the other beans. */
    private static final String NO_SERVER_CONTACTED = "loci.url=http://127.0.0.1:9";

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(LociAutoConfiguration.class, LociSpringAiAutoConfiguration.class));

    @Test
    void aDataDirGivesAnEmbeddedEngineWithTheSpringAiBeansClosedWithTheContext() {
        Path data = dir.resolve("memory");
        AtomicReference<Loci> opened = new AtomicReference<>();
        runner.withPropertyValues("loci.data-dir=" + data, "loci.spring-ai.user-id=alice").run(context -> {
            assertNull(context.getStartupFailure());
            Loci loci = context.getBean(Loci.class);
            assertInstanceOf(LociEngine.class, loci);
            opened.set(loci);
            assertTrue(Files.isDirectory(data), "the data directory is created");
            assertNotNull(context.getBean(LociMemoryAdvisor.class));
            assertNotNull(context.getBean(LociTools.class));
            assertNotNull(context.getBean(LociDocumentRetriever.class));
            assertFalse(context.containsBean("lociChatMemoryRepository"), "the repository is opt-in");

            var health = context.getBean("lociHealthIndicator", HealthIndicator.class).health();
            assertEquals(Status.UP, health.getStatus());
            assertEquals("embedded", health.getDetails().get("mode"));
            assertEquals(0L, health.getDetails().get("memories"));

            var registry = new SimpleMeterRegistry();
            context.getBean(LociMetrics.class).bindTo(registry);
            assertEquals(0.0, registry.get("loci.memories").gauge().value());
            assertTrue(registry.get("loci.store.size").gauge().value() >= 0);
        });
        var e = assertThrows(LociException.class, () -> opened.get().count(Scope.tenant("t"), MemoryFilter.all()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void theChatMemoryRepositoryIsMadeWhenAskedFor() {
        runner.withPropertyValues(NO_SERVER_CONTACTED, "loci.spring-ai.chat-memory-repository=true",
                "loci.spring-ai.window=8", "loci.spring-ai.remember-exchanges=false").run(context -> {
            assertInstanceOf(LociChatMemoryRepository.class, context.getBean(ChatMemoryRepository.class));
        });
    }

    @Test
    void anApplicationsOwnLociBeanIsUsedAndTheSpringAiBeansCanBeTurnedOff() {
        runner.withUserConfiguration(OwnLoci.class).withPropertyValues("loci.spring-ai.enabled=false").run(context -> {
            assertNull(context.getStartupFailure());
            assertSame(context.getBean("myLoci"), context.getBean(Loci.class));
            assertFalse(context.containsBean("lociMemoryAdvisor"));
        });
    }

    @Test
    void withoutSpringAiOrActuatorOnTheClassPathOnlyTheLociBeanIsMade() {
        runner.withPropertyValues(NO_SERVER_CONTACTED)
                .withClassLoader(new FilteredClassLoader(ChatClient.class, HealthIndicator.class)).run(context -> {
                    assertNull(context.getStartupFailure());
                    assertNotNull(context.getBean(Loci.class));
                    assertFalse(context.containsBean("lociMemoryAdvisor"));
                    assertFalse(context.containsBean("lociHealthIndicator"));
                });
    }

    @Test
    void neitherDataDirNorUrlFailsSayingWhatToSet() {
        LociConfigurationException e = failure(runner);
        assertEquals("loci.data-dir", e.property());
        assertTrue(e.getMessage().contains("loci.url"), e.getMessage());
        FailureAnalysis analysis = new LociConfigurationFailureAnalyzer().analyze(e);
        assertTrue(analysis.getDescription().startsWith("Loci is not configured correctly: loci.data-dir"),
                analysis.getDescription());
        assertTrue(analysis.getAction().contains("loci.data-dir"), analysis.getAction());
    }

    @Test
    void bothDataDirAndUrlFail() {
        assertEquals("loci.url", failure(runner.withPropertyValues("loci.data-dir=" + dir,
                "loci.url=http://127.0.0.1:8080")).property());
    }

    @Test
    void badValuesFailNamingTheProperty() {
        var model = failure(runner.withPropertyValues("loci.data-dir=" + dir, "loci.model=gpt-17"));
        assertEquals("loci.model", model.property());
        assertTrue(model.getMessage().contains("bge-small-en-v1.5-q"), "lists the known models: " + model.getMessage());

        var url = failure(runner.withPropertyValues("loci.url=ftp://example.org/x"));
        assertEquals("loci.url", url.property());
        assertTrue(url.getMessage().contains("http"), url.getMessage());

        assertEquals("loci.max-retries", failure(runner.withPropertyValues("loci.url=http://127.0.0.1:1",
                "loci.max-retries=99")).property());
        assertEquals("loci.max-memories-per-user", failure(runner.withPropertyValues("loci.data-dir=" + dir,
                "loci.max-memories-per-user=-1")).property());
        assertEquals("loci.spring-ai.context-tokens", failure(runner.withPropertyValues(NO_SERVER_CONTACTED,
                "loci.spring-ai.context-tokens=5")).property());
    }

    @Test
    void aDataDirThatIsAFileFailsNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        var e = failure(runner.withPropertyValues("loci.data-dir=" + file));
        assertEquals("loci.data-dir", e.property());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    private static LociConfigurationException failure(ApplicationContextRunner runner) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        runner.run((AssertableApplicationContext context) -> failure.set(context.getStartupFailure()));
        Throwable t = failure.get();
        assertNotNull(t, "the context should fail to start");
        while (t != null && !(t instanceof LociConfigurationException)) {
            t = t.getCause();
        }
        assertNotNull(t, "caused by a LociConfigurationException: " + failure.get());
        return (LociConfigurationException) t;
    }

    private static void assertNull(Object o) {
        if (o instanceof Throwable t) {
            throw new AssertionError("unexpected startup failure", t);
        }
        org.junit.jupiter.api.Assertions.assertNull(o);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnLoci {
        @Bean(destroyMethod = "close")
        Loci myLoci() {
            return TestEngines.inMemory();
        }
    }
}
