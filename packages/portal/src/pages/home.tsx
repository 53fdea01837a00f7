import type { ReactNode } from 'react';
import { Card } from '@codegouvfr/react-dsfr/Card';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { api, type DocumentSummary, type RecordSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { LoadState, Page, useLoad } from '../ui.js';
import { PARTS, partHref } from './parts.js';

function Latest({ docs }: { docs: readonly DocumentSummary[] }): ReactNode {
  const { t, dateTime } = useI18n();
  if (docs.length === 0) return <p className="fr-text--sm fr-mb-0">{t('home.empty')}</p>;
  return (
    <ul className="fr-text--sm fr-mb-0">
      {docs.slice(0, 3).map((d) => (
        <li key={d.id}>
          <Link href={`/documents/${encodeURIComponent(d.id)}`}>{d.title}</Link>
          {d.date && <span className="fr-hint-text">{dateTime(d.date)}</span>}
        </li>
      ))}
    </ul>
  );
}

export function HomePage(): ReactNode {
  const { t } = useI18n();
  const { ins, record } = useSession();
  const loaded = useLoad<RecordSummary>(() => api.summary(ins ?? ''), [ins]);
  return (
    <Page title={t('home.title')} lead={record ? t('home.hello', { name: record.displayName }) : undefined}>
      <LoadState loaded={loaded}>
        {(summary) => {
          const byPart = new Map(summary.parts.map((p) => [p.part, p]));
          return (
            <>
              <p>
                {summary.status === 'open' ? (
                  <Badge severity="success">{t('home.status.open')}</Badge>
                ) : (
                  <Badge severity="warning">{t('home.status.closed')}</Badge>
                )}
              </p>
              {summary.status === 'closed' && <Alert role={undefined} severity="warning" small description={t('home.closedText')} className="fr-mb-3w" />}
              <h2>{t('home.parts')}</h2>
              <ul className="fr-grid-row fr-grid-row--gutters portal-list-plain">
                {PARTS.map((part) => {
                  const p = byPart.get(part);
                  const count = p?.count ?? 0;
                  return (
                    <li key={part} className="fr-col-12 fr-col-md-6 fr-col-lg-4">
                      <Card
                        title={t(`part.${part}`)}
                        titleAs="h3"
                        linkProps={{ href: partHref(part) }}
                        desc={t(`part.${part}.desc`)}
                        start={
                          <Badge small severity={count > 0 ? 'info' : undefined} noIcon>
                            {t('home.count', { n: count })}
                          </Badge>
                        }
                        end={<Latest docs={p?.latest ?? []} />}
                        size="small"
                        border
                      />
                    </li>
                  );
                })}
              </ul>
              <h2 className="fr-mt-4w">{t('home.shortcuts')}</h2>
              <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
                <li>
                  <Button iconId="fr-icon-add-line" linkProps={{ href: '/documents/ajouter' }}>
                    {t('home.upload')}
                  </Button>
                </li>
                <li>
                  <Button priority="secondary" linkProps={{ href: '/acces' }}>
                    {t('nav.access')}
                  </Button>
                </li>
                <li>
                  <Button priority="secondary" linkProps={{ href: '/historique' }}>
                    {t('nav.history')}
                  </Button>
                </li>
              </ul>
            </>
          );
        }}
      </LoadState>
    </Page>
  );
}
