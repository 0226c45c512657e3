// Package intel reads threat intelligence in the formats partners publish it (STIX 2.1
// bundles, MISP events and feeds, plain lists and CSV) and turns it into normalised
// indicators with provenance. Parsers stream: memory does not grow with input size.
// A parser hands what it finds to a Sink, which normalises, filters (expired,
// warninglisted) and counts; a malformed entry is reported with where it was and why,
// and never stops the rest of the input. WriteSTIX and WriteMISP go the other way: they
// write an incident's indicators out as a STIX 2.1 bundle or a MISP event that the
// parsers (vigil's and others') read back.
package intel
