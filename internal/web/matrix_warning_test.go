package web_test

// warningMatrix is who may call the warning operations.
var warningMatrix = []matrixRow{}
