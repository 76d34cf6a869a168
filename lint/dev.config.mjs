// The sandbox, the scripts, the tests and the build files are not node code: n8n's community
// rules do not apply to them, an ordinary lint does (typescript-eslint's recommended rules).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		rules: {
			// `const { sign, ...rest } = x` is how the code leaves a field out
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
		},
	},
	{
		files: ['**/*.{js,mjs}'],
		extends: [js.configs.recommended],
		languageOptions: { globals: globals.node },
	},
);
