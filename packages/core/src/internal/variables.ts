/**
 * The environment variables auth reads, each named once. A leaf module (no imports) so that `Errors.ts` can
 * name them in its messages without importing `Auth.ts`. Public as `Auth.environmentVariables`.
 *
 * @internal
 */

/** @internal */
export const environmentVariables = {
  secretKey: "TRIGGER_SECRET_KEY",
  accessToken: "TRIGGER_ACCESS_TOKEN",
  baseURL: "TRIGGER_API_URL",
  previewBranch: "TRIGGER_PREVIEW_BRANCH",
  /** Set by Vercel on every deployment to the git branch: the preview deployments' branch. */
  vercelBranch: "VERCEL_GIT_COMMIT_REF",
  devBranch: "TRIGGER_DEV_BRANCH"
} as const

/** The `TRIGGER_DEV_BRANCH` value that means the root dev environment: no branch. @internal */
export const defaultDevBranch = "default"
