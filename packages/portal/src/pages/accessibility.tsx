import type { ReactNode } from 'react';
import { useI18n } from '../i18n.js';
import { Page } from '../ui.js';
import type { Key } from '../lib/i18n-dict.js';

const CHECKED: readonly Key[] = [
  'a11y.checked.axe',
  'a11y.checked.keyboard',
  'a11y.checked.focus',
  'a11y.checked.forms',
  'a11y.checked.structure',
  'a11y.checked.contrast',
  'a11y.checked.lang',
];

export function AccessibilityPage(): ReactNode {
  const { t } = useI18n();
  return (
    <Page title={t('a11y.title')}>
      <p>{t('a11y.intro')}</p>
      <h2>{t('a11y.status.title')}</h2>
      <p>{t('a11y.status.text')}</p>
      <h2>{t('a11y.checked.title')}</h2>
      <ul>
        {CHECKED.map((k) => (
          <li key={k}>{t(k)}</li>
        ))}
      </ul>
      <h2>{t('a11y.limits.title')}</h2>
      <ul>
        <li>{t('a11y.limits.pdf')}</li>
        <li>{t('a11y.limits.cda')}</li>
      </ul>
      <h2>{t('a11y.env.title')}</h2>
      <p>{t('a11y.env.text')}</p>
      <h2>{t('a11y.contact.title')}</h2>
      <p>{t('a11y.contact.text')}</p>
      <h2>{t('a11y.recourse.title')}</h2>
      <p>{t('a11y.recourse.text')}</p>
      <p className="fr-hint-text">{t('a11y.date')}</p>
    </Page>
  );
}
