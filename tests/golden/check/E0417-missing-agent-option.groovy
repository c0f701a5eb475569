pipeline {
    agent {
        docker {
            args '-v /tmp:/tmp'
        }
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
