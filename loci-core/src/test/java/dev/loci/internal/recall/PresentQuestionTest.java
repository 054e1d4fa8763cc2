package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PresentQuestionTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Where does Eli work now?|true",
        "What is my current phone?|true",
        "Does Sam still play the cello?|true",
        "What car do I drive these days?|true",
        "What was the most recent book I read?|true",
        "Where did Eli work in 2019?|false",
        "What did Sam play at the concert?|false",
        "Is the shop known for its currant buns?|false",
    })
    void recognisesQuestionsAboutThePresent(String question, boolean expected) {
        assertEquals(expected, RecallPipeline.asksAboutNow(question), question);
    }
}
