package io.orgsync;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.support.SimpleRegistry;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Camel's map of beans, each call under one lock. A source Kamelet's tenant binds its beans and
 * routes at its first run, on a Quartz thread, while other threads look beans up: Camel's
 * {@link SimpleRegistry} is a plain {@code LinkedHashMap}, and a Pipe resolving its sink Kamelet at
 * that moment failed with a {@code ConcurrentModificationException} (two tenants' first runs in the
 * same second could corrupt the map).
 */
final class SynchronizedRegistry extends SimpleRegistry {

    @Override
    public synchronized Object lookupByName(String name) {
        return super.lookupByName(name);
    }

    @Override
    public synchronized <T> T lookupByNameAndType(String name, Class<T> type) {
        return super.lookupByNameAndType(name, type);
    }

    @Override
    public synchronized <T> Map<String, T> findByTypeWithName(Class<T> type) {
        return super.findByTypeWithName(type);
    }

    @Override
    public synchronized <T> Set<T> findByType(Class<T> type) {
        return super.findByType(type);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Object bean) {
        super.bind(id, type, bean);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Object bean, String initMethod, String destroyMethod)
            throws RuntimeCamelException {
        super.bind(id, type, bean, initMethod, destroyMethod);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Supplier<Object> bean) {
        super.bind(id, type, bean);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Supplier<Object> bean, String initMethod,
                                  String destroyMethod) throws RuntimeCamelException {
        super.bind(id, type, bean, initMethod, destroyMethod);
    }

    @Override
    public synchronized void bindAsPrototype(String id, Class<?> type, Supplier<Object> bean) {
        super.bindAsPrototype(id, type, bean);
    }

    @Override
    public synchronized void unbind(String id) {
        super.unbind(id);
    }

    @Override
    public synchronized void close() throws IOException {
        super.close();
    }
}
