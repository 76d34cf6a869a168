/**
 * The editor as people see it: a real n8n 2.8.4 (`n8n start`) with the packed package installed
 * like a community package, driven in Chromium. Every screen is saved under
 * .n8n-runs/screenshots/; `npm run screenshots` also refreshes the README's in docs/screenshots/.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { setTimeout as sleep } from 'timers/promises';
import type { BrowserContext, Locator, Page } from 'playwright-core';

import { PrivateKeyError } from '../../nodes/AliKassa/core/privateKey';
import { sandboxCertDir, SANDBOX_ACCOUNT_ID } from '../../sandbox/server';
import { EXAMPLES, loadExample, PAYOUTS_CSV, pointWorkflowAt } from '../../scripts/examples';
import { LOCAL_OWNER, REPO_ROOT, type N8nServer } from '../../scripts/n8n';
import { describeInChromium, launchChromium } from '../support/chromium';
import { SETUP_TIMEOUT_MS, setUpN8n, type N8nHarness } from '../support/n8nHarness';

const SCREENSHOTS_DIR = join(REPO_ROOT, '.n8n-runs', 'screenshots');
const README_SCREENSHOTS_DIR = join(REPO_ROOT, 'docs', 'screenshots');
/** The screens the README shows, by the name each is saved under. */
const README_SCREENSHOTS = new Set(['create-payout', 'credential-wrong-password', 'batch-result']);
/** Two cores shared with n8n and the sandbox: the editor is slow to react at times. */
const STEP_TIMEOUT_MS = 3 * 60_000;
const { scheduledBatch } = EXAMPLES;

let harness: N8nHarness;
let server: N8nServer;
let browser: BrowserContext;
let page: Page;

/** What the n8n editor marks its elements with. */
const byTestId = (id: string) => `[data-test-id="${id}"]`;

async function screenshot(name: string, of: Page | Locator = page): Promise<void> {
	const file = join(SCREENSHOTS_DIR, `${name}.png`);
	await of.screenshot({ path: file });
	if (process.env.UPDATE_README_SCREENSHOTS === '1' && README_SCREENSHOTS.has(name)) {
		mkdirSync(README_SCREENSHOTS_DIR, { recursive: true });
		copyFileSync(file, join(README_SCREENSHOTS_DIR, `${name}.png`));
	}
}

/** Opens the node picker on an empty workflow and searches it the way a person types. */
async function searchNodePicker(text: string): Promise<Locator> {
	await page.goto(`${server.url}/workflow/new`);
	await page.locator(byTestId('canvas-plus-button')).click();
	await page.locator(byTestId('node-creator-search-bar')).fill(text);
	return page.locator(byTestId('node-creator'));
}

async function openPayoutAction(action: string): Promise<Locator> {
	const picker = await searchNodePicker('alikassa');
	await picker.locator(byTestId('item-iterator-item'), { hasText: 'AliKassa Payout' }).click();
	await picker.locator(byTestId('item-iterator-item'), { hasText: action }).click();
	return page.locator(byTestId('ndv'));
}

async function parameterValue(panel: Locator, name: string): Promise<string> {
	return panel
		.locator(`${byTestId(`parameter-input-${name}`)} input`)
		.first()
		.inputValue();
}

/** The names of a dropdown's options that show no description under them. */
async function optionsWithoutDescription(form: Locator, parameter: string): Promise<string[]> {
	const dropdown = form.locator(byTestId(`parameter-input-${parameter}`));
	await dropdown.click();
	const options = page.locator(`${byTestId('parameter-input-item')}:visible`);
	await options.first().waitFor();
	const undescribed: string[] = [];
	for (const option of await options.all()) {
		const description = option.locator('.option-description');
		if ((await description.count()) === 0 || (await description.innerText()).trim() === '') {
			undescribed.push(await option.innerText());
		}
	}
	await dropdown.click();
	await options.first().waitFor({ state: 'hidden' });
	return undescribed;
}

function selectedCredential(panel: Locator): Promise<string> {
	return panel.locator(`${byTestId('node-credentials-select')} input`).inputValue();
}

/** The item count n8n writes on the connection between two nodes after a run ("11 items"). */
async function itemsOnConnection(from: string, to: string): Promise<number> {
	const label = page.locator(
		`${byTestId('edge-label')}[data-source-node-name="${from}"][data-target-node-name="${to}"]`,
	);
	const text = await label.filter({ hasText: /\d+ items?/ }).innerText();
	return Number(/(\d+) items?/.exec(text)?.[1]);
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
	for (const started = Date.now(); !condition(); await sleep(200)) {
		if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting until ${what}`);
	}
}

function balanceRequests(): number {
	return harness.sandbox.requests.filter((request) => request.path === '/v1/account/balance')
		.length;
}

describeInChromium('the n8n editor in Chromium', () => {
	beforeAll(async () => {
		harness = await setUpN8n();
		await harness.n8n.importWorkflows([
			pointWorkflowAt(loadExample(scheduledBatch.file), {
				sandboxUrl: harness.sandbox.url,
				payoutsCsv: PAYOUTS_CSV,
			}),
		]);
		server = await harness.n8n.start();
		await server.setUpOwner(LOCAL_OWNER);
		rmSync(SCREENSHOTS_DIR, { recursive: true, force: true });
		mkdirSync(SCREENSHOTS_DIR, { recursive: true });
		// Inside the n8n user folder, which the harness removes.
		browser = await launchChromium(join(harness.n8n.path, 'chromium-profile'));
		page = browser.pages()[0] ?? (await browser.newPage());
		page.setDefaultTimeout(60_000);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await harness?.close();
	});

	test(
		'signs in with the owner account',
		async () => {
			await page.goto(`${server.url}/signin`);
			await page.locator('input[name="emailOrLdapLoginId"]').fill(LOCAL_OWNER.email);
			await page.locator('input[type="password"]').fill(LOCAL_OWNER.password);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await page.waitForURL(/\/home\//);
		},
		STEP_TIMEOUT_MS,
	);

	test(
		'the node picker finds both nodes by "alikassa"; the payout node offers its four operations',
		async () => {
			const picker = await searchNodePicker('alikassa');
			const names = picker.locator(byTestId('node-creator-item-name'));
			await names.filter({ hasText: 'AliKassa Trigger' }).waitFor();
			expect((await names.allInnerTexts()).sort()).toEqual(['AliKassa Payout', 'AliKassa Trigger']);
			await screenshot('node-picker');

			await picker.locator(byTestId('item-iterator-item'), { hasText: 'AliKassa Payout' }).click();
			const details = await picker.innerText();
			expect(details).toContain('Actions (4)');
			for (const action of [
				'Create a payout',
				'Get the status of a payout',
				'Get the account balance',
				'Get the account info',
			]) {
				expect(details).toContain(action);
			}
			await screenshot('payout-operations');
		},
		STEP_TIMEOUT_MS,
	);

	test.each([
		{
			action: 'Create a payout',
			operation: 'Create Payout',
			shows: [
				'Data Mode',
				'Amount',
				'Number',
				'Order ID',
				'Service',
				'Additional Fields',
				'Options',
			],
			hides: [],
			dropdowns: ['operation', 'dataMode'],
			saveAs: 'create-payout',
		},
		{
			action: 'Get the status of a payout',
			operation: 'Get Payout Status',
			shows: ['Look Up By', 'Payout ID', 'Options'],
			hides: ['Amount', 'Service'],
			dropdowns: ['operation', 'lookupBy'],
			saveAs: 'get-payout-status',
		},
		{
			action: 'Get the account balance',
			operation: 'Get Balance',
			shows: ['Options'],
			hides: ['Amount', 'Order ID', 'Payout ID'],
			dropdowns: ['operation'],
			saveAs: 'get-balance',
		},
	])(
		'"$action" opens $operation with the sandbox credential, showing $shows; every option of $dropdowns has a description',
		async ({ action, operation, shows, hides, dropdowns, saveAs }) => {
			const panel = await openPayoutAction(action);
			const parameters = panel.locator(byTestId('node-parameters'));
			await parameters.waitFor();
			expect(await parameterValue(panel, 'operation')).toBe(operation);
			expect(await selectedCredential(panel)).toBe('AliKassa Sandbox');
			const text = await parameters.innerText();
			for (const label of shows) expect(text).toContain(label);
			for (const label of hides) expect(text).not.toContain(label);
			for (const dropdown of dropdowns) {
				expect(await optionsWithoutDescription(panel, dropdown)).toEqual([]);
			}
			await screenshot(saveAs);
		},
		STEP_TIMEOUT_MS,
	);

	test(
		'Create Payout reads as a person types it: an Order ID placeholder without expressions; Wait for Final Status, turned on, shows Poll Interval and Max Wait under it in whole seconds',
		async () => {
			const panel = await openPayoutAction('Create a payout');
			const parameters = panel.locator(byTestId('node-parameters'));
			await parameters.waitFor();
			const orderIdPlaceholder = await panel
				.locator(`${byTestId('parameter-input-orderId')} input`)
				.getAttribute('placeholder');
			expect(orderIdPlaceholder).not.toMatch(/^=|\{\{/);
			expect(await parameters.innerText()).not.toContain('Poll Interval');

			await panel.locator(`${byTestId('parameter-input-waitForFinalStatus')} .el-switch`).click();
			await parameters.getByText('Max Wait').waitFor();
			const text = await parameters.innerText();
			const order = ['Wait for Final Status', 'Poll Interval', 'Max Wait', 'Additional Fields'];
			const positions = order.map((label) => text.indexOf(label));
			expect(positions).toEqual([...positions].sort((a, b) => a - b));
			expect(positions).not.toContain(-1);
			for (const seconds of ['pollIntervalSeconds', 'maxWaitSeconds']) {
				expect(await parameterValue(panel, seconds)).toMatch(/^\d+$/);
			}
			await screenshot('wait-for-final-status', panel);
		},
		STEP_TIMEOUT_MS,
	);

	test(
		'Create Payout with Data Mode "Auto-Map Input Data to Fields" hides the fields and names the input fields it reads',
		async () => {
			const panel = await openPayoutAction('Create a payout');
			const parameters = panel.locator(byTestId('node-parameters'));
			await parameters.waitFor();
			await panel.locator(byTestId('parameter-input-dataMode')).click();
			await page
				.locator(`${byTestId('parameter-input-item')}:visible`, {
					hasText: 'Auto-Map Input Data to Fields',
				})
				.click();
			await parameters.getByText('Each input item is one payout').waitFor();
			const text = await parameters.innerText();
			for (const field of ['amount, number, order_id, service', 'customer_email']) {
				expect(text).toContain(field);
			}
			for (const label of ['Amount', 'Order ID', 'Additional Fields']) {
				expect(text.split('\n').map((line) => line.trim())).not.toContain(label);
			}
			expect(text).toContain('Options');
			await screenshot('create-payout-auto-map', panel);
		},
		STEP_TIMEOUT_MS,
	);

	test(
		'the AliKassa Trigger shows its Production URL above the notice that points to it, where to give it to AliKassa, and its filters, each option described',
		async () => {
			const picker = await searchNodePicker('alikassa');
			await picker.locator(byTestId('item-iterator-item'), { hasText: 'AliKassa Trigger' }).click();
			await picker.getByRole('button', { name: 'Add to workflow' }).click();
			const panel = page.locator(byTestId('ndv'));
			const parameters = panel.locator(byTestId('node-parameters'));
			await parameters.waitFor();
			const text = await parameters.innerText();
			expect(text).toContain('notification_endpoint_url');
			for (const label of ['Notification Type', 'Statuses', 'Confirm with AliKassa']) {
				expect(text).toContain(label);
			}
			expect(await selectedCredential(panel)).toBe('AliKassa Sandbox Notifications');

			expect(await optionsWithoutDescription(panel, 'notificationType')).toEqual([]);

			await panel.getByText('Webhook URLs').click();
			await panel.locator(byTestId('radio-button-production')).click();
			const productionUrl = new RegExp(`${server.url}/webhook/[0-9a-f-]{36}/alikassa`);
			await parameters.getByText(productionUrl).first().waitFor();
			// The notice points at the Production URL where the page shows it.
			const shown = await parameters.innerText();
			const notice = shown.indexOf('Give the Production URL');
			expect(shown.search(productionUrl)).toBeLessThan(notice);
			expect(shown.slice(notice)).toMatch(/^Give the Production URL above/);
			await screenshot('trigger');
		},
		STEP_TIMEOUT_MS,
	);

	test(
		'a credential made from the certificate archive: a wrong password gets the plain message and nothing is sent; the right one connects, and Retry tests again',
		async () => {
			const archive = join(sandboxCertDir(), 'payout');
			await page.goto(`${server.url}/home/credentials/create`);
			await page.locator(`${byTestId('new-credential-type-select')} input`).fill('AliKassa');
			await page.getByRole('option', { name: 'AliKassa Payout API' }).click();
			await page.locator(byTestId('new-credential-type-button')).click();

			const form = page.locator(byTestId('editCredential-modal'));
			// n8n 2.8 renders every field as an <input>; newer n8n renders some (the private key) as a
			// <textarea>: the first editable element in the field is the one people type into.
			const field = (name: string) =>
				form.locator(`${byTestId(`parameter-input-${name}`)} :is(input, textarea)`).first();
			await field('accountId').fill(SANDBOX_ACCOUNT_ID);
			// As people paste it: an <input> drops the PEM's line breaks, a <textarea> keeps them.
			await field('privateKey').fill(readFileSync(join(archive, 'private.pem'), 'utf8'));
			await field('password').fill('not-the-password');
			await field('baseUrl').fill(harness.sandbox.url);
			expect(await optionsWithoutDescription(form, 'signatureHash')).toEqual([]);
			const balanceRequestsBefore = balanceRequests();
			await form.locator(byTestId('credential-save-button')).click();
			await form.getByText('Couldn’t connect with these settings').waitFor();
			await form.getByText('More details').click();
			await form.getByText(new PrivateKeyError('wrong-password').message).waitFor();
			expect(balanceRequests()).toBe(balanceRequestsBefore);
			await screenshot('credential-wrong-password', form);

			await field('password').fill(readFileSync(join(archive, 'password.txt'), 'utf8'));
			await form.locator(byTestId('credential-save-button')).click();
			const success = form.getByText('Connection tested successfully');
			await success.waitFor();
			expect(balanceRequests()).toBe(balanceRequestsBefore + 1);

			await form.getByRole('button', { name: 'Retry' }).click();
			await until(() => balanceRequests() === balanceRequestsBefore + 2, 'Retry tests again');
			await success.waitFor();
			await screenshot('credential-connected', form);
		},
		STEP_TIMEOUT_MS,
	);

	test(
		'Execute workflow on the batch example starts from the manual trigger; the page counts the paid rows and the refused one',
		async () => {
			await page.goto(`${server.url}/workflow/${scheduledBatch.id}`);
			const execute = page.locator(byTestId('execute-workflow-button'));
			await execute.waitFor();
			// With one enabled trigger n8n names none on the button; with two it names the one it picked.
			expect(await execute.innerText()).not.toContain('On the 25th');
			await execute.click();
			// Twelve payouts from the editor, on two cores shared with other n8n processes.
			await page
				.getByText('Workflow executed successfully')
				.waitFor({ timeout: STEP_TIMEOUT_MS - 30_000 });

			const accepted = await itemsOnConnection(
				scheduledBatch.payoutNode,
				scheduledBatch.acceptedNode,
			);
			const failed = await itemsOnConnection(
				scheduledBatch.payoutNode,
				scheduledBatch.notPaidCheckNode,
			);
			const refused = await itemsOnConnection(
				scheduledBatch.notPaidCheckNode,
				scheduledBatch.refusedNode,
			);
			const rows = readFileSync(PAYOUTS_CSV, 'utf8').trim().split('\n').length - 1;
			expect(accepted).toBe(harness.sandbox.payouts().length);
			expect(accepted + failed).toBe(rows);
			expect([failed, refused]).toEqual([1, 1]);
			expect(await itemsOnConnection('When clicking ‘Execute workflow’', 'Read payouts.csv')).toBe(
				1,
			);
			await screenshot('batch-result');
		},
		STEP_TIMEOUT_MS,
	);
});
