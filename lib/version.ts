import { version } from '../package.json';

/** The product version recorded in every manifest. */
export const PRODUCT_VERSION: string = version;
