package web_test

// telemetryMatrix is who may call the telemetry operations.
var telemetryMatrix = []matrixRow{}
