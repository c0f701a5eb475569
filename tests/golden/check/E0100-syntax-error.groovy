pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                % 'not a statement'
            }
        }
    }
}
