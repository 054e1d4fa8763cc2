package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which role's turns a question names by person: the user's (first person) or the agent's (second). */
class NamedRoleTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "What did I say about my car?|user",
        "Where do I work?|user",
        "How many books have I read this year?|user",
        "Which of mine did Ana borrow?|user",
        "What did you recommend for my trip?|assistant",
        "Can you remind me of the recipe you gave me?|assistant",
        "Where does Ana work?|-",
        "What did Ben say about the fence?|-",
        "Is Iceland cold in May?|-",
        "What did Mimi buy?|-",
    })
    void namesTheRoleTheQuestionSpeaksOf(String question, String role) {
        assertEquals(role, RecallPipeline.namedRole(question), question);
    }
}
