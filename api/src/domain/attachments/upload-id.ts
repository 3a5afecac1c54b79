/** An upload draft's id: 16 random bytes, base64url. */
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
