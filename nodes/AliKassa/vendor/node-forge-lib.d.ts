// @types/node-forge types the package index only; these are the modules it is made of.
declare module 'node-forge/lib/forge' {
	import forge from 'node-forge';
	export default forge;
}
declare module 'node-forge/lib/pki';
declare module 'node-forge/lib/md.all';
