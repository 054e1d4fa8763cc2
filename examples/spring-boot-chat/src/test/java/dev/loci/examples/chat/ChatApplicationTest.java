package dev.loci.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service over HTTP: what a user said in one conversation reaches the model's prompt in the next. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChatApplicationTest {
    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void memoryInATempDir(DynamicPropertyRegistry properties) {
        properties.add("loci.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    RecordingChatModel model;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> chat(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whatTheUserSaidInAnEarlierConversationReachesTheLaterPrompt() throws Exception {
        var first = chat("""
                {"user": "alice", "conversation": "monday", "message": "I adopted a greyhound called Biscuit."}""");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("{\"reply\":\"OK.\"}", first.body());
        assertFalse(model.lastPrompt().getSystemMessage().getText().contains("Biscuit"));

        chat("""
                {"user": "alice", "conversation": "friday", "message": "What is my dog called?"}""");
        String system = model.lastPrompt().getSystemMessage().getText();
        assertTrue(system.startsWith("You are a helpful assistant."), system);
        assertTrue(system.contains("I adopted a greyhound called Biscuit."), system);

        chat("""
                {"user": "bob", "conversation": "friday", "message": "What is my dog called?"}""");
        assertFalse(model.lastPrompt().getSystemMessage().getText().contains("Biscuit"), "bob never said it");
    }

    @Test
    void aMessageWithoutAUserIsABadRequestThatSaysSo() throws Exception {
        var response = chat("""
                {"conversation": "c", "message": "hello"}""");
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("userId"), response.body());
    }
}
