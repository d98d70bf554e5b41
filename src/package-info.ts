// Name and version of this package: the instrumentation scope of every span and metric.
import pkg from '../package.json';

export const PACKAGE_NAME: string = pkg.name;
export const PACKAGE_VERSION: string = pkg.version;
