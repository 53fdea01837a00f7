import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import '@codegouvfr/react-dsfr/main.css';
import '@codegouvfr/react-dsfr/dsfr/utility/icons/icons.min.css';
import './portal.css';
import { App } from './App.js';
import { I18nProvider, useI18n } from './i18n.js';
import { SessionProvider } from './session.js';
import { Link } from './router.js';

startReactDsfr({
  defaultColorScheme: 'light',
  Link,
  useLang: function useLang() {
    return useI18n().lang;
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
