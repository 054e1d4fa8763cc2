package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpeakerNamesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "What did Ben say about Denver?|Ben|true",
        "Where is Ben's new flat?|Ben|true",
        "what did ben cook?|Ben|true",
        "What did Benjamin cook?|Ben|false",
        "Who bent the fork?|Ben|false",
        "What did Anna Lee paint?|Anna Lee|true",
        "What did Anna paint?|Anna Lee|false",
        "What did Zoë bake?|ZOË|true",
        "What did I say?|I|false",
        "What did the user ask?|user|true",
    })
    void findsTheSpeakerAsAWholeName(String question, String speaker, boolean expected) {
        assertEquals(expected, RecallPipeline.names(question, speaker), question + " / " + speaker);
    }
}
