// The generated client (clients/typescript) names the DOM type `BodyInit`; this project compiles with
// lib ES2023 and @types/node, whose fetch types come from undici-types. Declare the one missing global.
type BodyInit = import('undici-types').BodyInit;
