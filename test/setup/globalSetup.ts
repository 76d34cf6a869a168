import { giveTheRunItsOwnTempFolder } from './tempFolder';

export default giveTheRunItsOwnTempFolder;
