/**
 * The JSON form of Loci's model and results ({@link dev.loci.json.LociJson}), one renderer for the
 * command line, the server, the client and the reports.
 */
package dev.loci.json;
