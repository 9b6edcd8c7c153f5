// date-holidays-parser ships ambient types (`declare module 'date-holidays-parser'`), but its
// package.json "exports" hides them from `moduleResolution: bundler`: include them by path.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the types are unreachable by import (above)
/// <reference path="../../node_modules/date-holidays-parser/types/index.d.ts" />
