package dev.loci.spring.boot;

import dev.loci.testkit.TestEngines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.client.LociClient;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import dev.loci.springai.LociMemoryAdvisor;
import dev.loci.springai.RecordingChatModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** loci.url and loci.api-key give a client of a real Loci server on loopback, and the advisor works through it. */
class LociRemoteAutoConfigurationIT {
    @TempDir
    static Path dir;
    static LociServer server;
    static String key;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        server = LociServer.start(TestEngines.inMemory(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
        key = keys.create("acme", Role.WRITE).token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(LociAutoConfiguration.class, LociSpringAiAutoConfiguration.class));

    @Test
    void aUrlAndKeyGiveAClientThroughWhichTheAdvisorRemembersAcrossConversations() {
        runner.withPropertyValues("loci.url=http://127.0.0.1:" + server.port(), "loci.api-key=" + key,
                "loci.tenant=acme", "loci.spring-ai.user-id=olga").run(context -> {
            assertNull(context.getStartupFailure());
            assertInstanceOf(LociClient.class, context.getBean(Loci.class));
            var health = context.getBean("lociHealthIndicator", HealthIndicator.class).health();
            assertEquals(Status.UP, health.getStatus());
            assertEquals("server", health.getDetails().get("mode"));

            var model = new RecordingChatModel("Noted.");
            var chat = ChatClient.builder(model).defaultAdvisors(context.getBean(LociMemoryAdvisor.class)).build();
            chat.prompt().user("My bike is a red Brompton and I keep it in the hallway.")
                    .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "tuesday")).call().content();
            chat.prompt().user("Where do I keep my bike?")
                    .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "thursday")).call().content();
            String system = model.last().getSystemMessage().getText();
            assertTrue(system.contains("red Brompton"), system);

            var registry = new SimpleMeterRegistry();
            context.getBean(LociMetrics.class).bindTo(registry);
            assertTrue(registry.get("loci.memories").tag("tenant", "acme").gauge().value() >= 4, "two exchanges stored");
            assertEquals(null, registry.find("loci.store.size").gauge(), "a server's disk is not this process's");
        });
    }

    @Test
    void aWrongKeyShowsAsDownInHealth() {
        runner.withPropertyValues("loci.url=http://127.0.0.1:" + server.port(), "loci.api-key=loci_nope_nope",
                "loci.tenant=acme").run(context -> {
            assertNull(context.getStartupFailure());
            var health = context.getBean("lociHealthIndicator", HealthIndicator.class).health();
            assertEquals(Status.DOWN, health.getStatus());
        });
    }
}
