package dev.loci.server;

import java.util.List;

/**
 * An RFC 9457 problem document, thrown by handlers as {@link ProblemException} and written by
 * {@link Problems}.
 *
 * @param status HTTP status
 * @param type   stable URI naming the kind of problem, {@code urn:loci:problem:<slug>}
 * @param title  short summary of the kind
 * @param detail what went wrong this time, for a human
 * @param errors the fields at fault (empty when none is)
 */
record Problem(int status, String type, String title, String detail, List<FieldError> errors) {
    Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /**
     * One field at fault.
     *
     * @param field   where in the request: a JSON path ({@code messages[2].text}), a query or path parameter
     * @param message what is wrong with it
     */
    record FieldError(String field, String message) {
    }

    static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, "urn:loci:problem:" + slug, title, detail, List.of());
    }

    static Problem invalidField(int status, String slug, String title, String field, String message) {
        return new Problem(status, "urn:loci:problem:" + slug, title, field + ": " + message,
                List.of(new FieldError(field, message)));
    }

    static Problem malformed(String field, String message) {
        return invalidField(400, "malformed-request", "Malformed request", field, message);
    }

    static Problem unprocessable(String field, String message) {
        return invalidField(422, "invalid-input", "Invalid input", field, message);
    }
}
