package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WhenQuestionTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "When did Maya adopt the dog?|true",
        "what year did they move?|true",
        "How long ago was the wedding?|true",
        "Which month is the concert in?|true",
        "Where did Maya adopt the dog?|false",
        "What is the dog called?|false",
        "Whenever I cook, what do I add?|false",
    })
    void recognisesQuestionsAboutTime(String question, boolean expected) {
        assertEquals(expected, RecallPipeline.asksWhen(question), question);
    }
}
