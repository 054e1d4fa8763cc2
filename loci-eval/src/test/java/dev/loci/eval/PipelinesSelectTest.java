package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelinesSelectTest {
    @Test
    void theNamedRowsInTheirOrderAndAlwaysTheDefault() {
        var rows = Pipelines.select(Pipelines.standard(100), List.of("dense", " bm25"));
        assertEquals(List.of("dense", "bm25", Pipelines.DEFAULT), List.copyOf(rows.keySet()));
        assertEquals(Pipelines.standard(100).keySet(), Pipelines.select(Pipelines.standard(100), List.of()).keySet(),
                "no names: every row");
    }

    @Test
    void anUnknownRowIsNamedWithTheRowsThereAre() {
        var e = assertThrows(InvalidInputException.class,
                () -> Pipelines.select(Pipelines.standard(100), List.of("dense", "hybird")));
        assertEquals("--pipelines", e.field());
        assertTrue(e.getMessage().contains("'hybird' is not a row") && e.getMessage().contains("hybrid"), e.getMessage());
    }
}
