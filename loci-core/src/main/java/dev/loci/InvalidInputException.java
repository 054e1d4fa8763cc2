package dev.loci;

/**
 * Bad input from the caller: the message names the parameter or field and what is allowed.
 * Nothing was written when this is thrown. Not retriable.
 */
public final class InvalidInputException extends LociException {
    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The parameter or field at fault, e.g. {@code messages[3].text} or {@code scope.tenant}. */
    public String field() {
        return field;
    }
}
