import { failIfSomethingWasLeftBehind } from './tempFolder';

export default failIfSomethingWasLeftBehind;
