/** snappyjs 0.7 ships no types: the two functions we use. Block format (not framed). */
declare module 'snappyjs' {
  function compress<T extends ArrayBuffer | Uint8Array>(input: T): T;
  function uncompress<T extends ArrayBuffer | Uint8Array>(input: T, maxLength?: number): T;
  const SnappyJS: { compress: typeof compress; uncompress: typeof uncompress };
  export default SnappyJS;
  export { compress, uncompress };
}
