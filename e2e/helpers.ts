import { randomBytes } from 'node:crypto';
import { expect, type Page } from '@playwright/test';

export const demoPassword = 'vigil-demo';
export type Role = 'admin' | 'agent' | 'analyst';
export const roles: Role[] = ['admin', 'agent', 'analyst'];
export const storageState = (role: Role) => `.test-output/auth/${role}.json`;
export const unique = () => randomBytes(4).toString('hex');

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAs(page: Page, role: Role) {
  await signIn(page, `${role}@demo.vigil`, demoPassword);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}
