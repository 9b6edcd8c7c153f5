// date-holidays exports its raw rule data at 'date-holidays/data' without types.
declare module 'date-holidays/data' {
  export const data: unknown;
}
