pipeline {
    agent any
    stages {
        stage('build') {
            agent any
            parallel {
                stage('one') {
                    steps {
                        echo 'hi'
                    }
                }
            }
        }
    }
}
