package web_test

// intelMatrix is who may call the intel operations.
var intelMatrix = []matrixRow{}
